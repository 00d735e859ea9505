/**
 * Where @hnn/core writes the few lines it has to say (which TensorFlow.js backend it chose, and
 * why a faster one was not used). The library is silent unless given one; `console` fits, and
 * the `hnn` CLI passes one that writes to its stderr.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** The default: a library that writes to the console of an app that did not ask is a nuisance. */
export const SILENT_LOGGER: Logger = {
  info: () => undefined,
  warn: () => undefined,
};
