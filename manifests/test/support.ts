// What the deploy tests share beyond the test kit: a process a test stops at the end (the kit's, or
// nginx writing to files as in a container), and "does this URL answer 2xx yet".
import type { ChildProcess } from 'node:child_process';

export interface Proc {
  child: ChildProcess;
  output(): string;
  stop(): Promise<unknown>;
}

export async function httpOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}
