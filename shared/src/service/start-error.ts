// Why a service could not start, as one line that names the setting to change (a port another process
// holds, a data folder in use): the process prints it alone, with no stack trace, and exits with 1.
export class StartError extends Error {
  override name = 'StartError';
}

/**
 * Resolves as `listening` does; a port that cannot be had becomes a StartError naming `setting`, the
 * variable that chose it. Any other failure passes through as it is.
 */
export async function listenOn<T>(listening: Promise<T>, port: number, setting: string): Promise<T> {
  try {
    return await listening;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new StartError(`port ${port} is in use (${setting}): set ${setting} to another port`);
    if (code === 'EACCES')
      throw new StartError(
        `port ${port} needs privileges this process does not have (${setting}): set ${setting} to a port above 1023`,
      );
    throw error;
  }
}
