// Electron main entry: replaced by the app issue's window + IPC wiring.
