import { readFile, stat } from 'node:fs/promises';

import { SlurmTokenError } from '../errors.js';

/** The content of a secret file and a number that changes whenever the content may have changed. */
export interface SecretFileContent {
  content: Buffer;
  generation: number;
}

/** Reads a key or token file, again only when its inode, size or mtime changed. */
export interface SecretFile {
  readonly path: string;
  read(): Promise<SecretFileContent>;
}

/**
 * Creates a reader for a secret file that must be a regular, non-empty file that
 * neither group nor others may read or write. Every problem raises a
 * `SlurmTokenError` (failure `key-file`) that names the file.
 */
export function openSecretFile(path: string, cluster: string, kind: string): SecretFile {
  let cached: { signature: string; content: Buffer; generation: number } | undefined;
  let generation = 0;

  const fail = (message: string, cause?: unknown): never => {
    throw new SlurmTokenError(message, { failure: 'key-file', cluster, file: path, cause });
  };

  return {
    path,
    async read() {
      const info = await stat(path).catch((error: unknown) =>
        fail(`Cannot read the ${kind} ${path} of cluster ${cluster}: ${describeFsError(error)}.`, error),
      );
      if (!info.isFile()) {
        fail(`The ${kind} ${path} of cluster ${cluster} is not a regular file; point the configuration at the file itself.`);
      }
      const openBits = info.mode & 0o077;
      if (openBits !== 0) {
        const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
        fail(
          `The ${kind} ${path} of cluster ${cluster} has mode ${mode}, so group or others may access it; ` +
            `run \`chmod 600 ${path}\`.`,
        );
      }

      const signature = `${info.ino}:${info.size}:${info.mtimeMs}`;
      if (cached?.signature === signature) return { content: cached.content, generation: cached.generation };

      const content = await readFile(path).catch((error: unknown) =>
        fail(`Cannot read the ${kind} ${path} of cluster ${cluster}: ${describeFsError(error)}.`, error),
      );
      if (content.length === 0) fail(`The ${kind} ${path} of cluster ${cluster} is empty.`);

      generation += 1;
      cached = { signature, content, generation };
      return { content, generation };
    },
  };
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'the file does not exist';
  if (code === 'EACCES') return 'permission denied for the gha-slurm process';
  return error instanceof Error ? error.message : String(error);
}
