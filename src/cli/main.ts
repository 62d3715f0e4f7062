/** `fidediff` — the headless command over the same engine, photo I/O and jobs as the app. */
import { readFileSync } from 'node:fs'
import { EXIT, UsageError, type CliIO } from './args.ts'
import { runAnalyzeCommand } from './analyze.ts'
import { runModelsCommand } from './models.ts'
import { runDeblurCommand } from './deblur.ts'
import { runReportCommand } from './report.ts'

const USAGE = `fidediff — remove motion blur from photos with FideDiff

Usage:
  fidediff deblur <files|folders...> [options]   deblur photos (fidediff deblur --help)
  fidediff analyze <file> [--json] [--grid N]     blur level t̂ and kernel per region, no restoration
  fidediff models                                 installed models and the execution providers here
  fidediff report --merge <a.json> <b.json>... --out <file.json|.csv>
                                                  join the reports of sharded batches
  fidediff --version | --help
`

type Command = (argv: string[], io: CliIO) => Promise<number>
const COMMANDS: Record<string, Command> = {
  deblur: runDeblurCommand,
  analyze: runAnalyzeCommand,
  models: runModelsCommand,
  report: runReportCommand,
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE)
    return name === undefined ? EXIT.usage : EXIT.ok
  }
  if (name === '--version' || name === '-v') {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    io.stdout.write(`${pkg.version}\n`)
    return EXIT.ok
  }
  const command = COMMANDS[name]
  if (!command) {
    io.stderr.write(`fidediff: unknown command "${name}"\n\n${USAGE}`)
    return EXIT.usage
  }
  try {
    return await command(rest, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`fidediff ${name}: ${error.message}\n`)
      return EXIT.usage
    }
    io.stderr.write(`fidediff ${name}: ${(error as Error).message}\n`)
    return EXIT.someFailed
  }
}

function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, isTTY: Boolean(process.stderr.isTTY) }
}
