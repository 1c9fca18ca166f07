import { ParameterError, SpikeworksError } from './errors.js';

/** A file a recorder appends to while the run goes. */
export interface OutputFile {
  readonly filename: string;
  write(chunk: string | Uint8Array): void;
  /** Hand what is queued to the sink (a file system write; a buffer in memory). */
  flush(): void;
  close(): void;
  readonly closed: boolean;
}

/**
 * Where recorders write (the OUTPUT service): the file system in Node, memory in tests and in a browser.
 * Recorders that read their output back (`events()` of a file backend) read it through the same sink.
 */
export interface OutputSink {
  open(filename: string, where: string, overwrite: boolean): OutputFile;
  read(filename: string): Uint8Array;
}

const encoder = new TextEncoder();

/** Files kept in memory, by name. */
export class MemorySink implements OutputSink {
  readonly files = new Map<string, Uint8Array[]>();
  open(filename: string, where: string, overwrite: boolean): OutputFile {
    if (!overwrite && this.files.has(filename)) {
      throw new ParameterError(where, 'label/path', filename, 'a file name that does not exist yet (or overwrite_files: true), as NEST refuses to overwrite');
    }
    const chunks: Uint8Array[] = [];
    this.files.set(filename, chunks);
    let closed = false;
    return {
      filename,
      write(chunk) {
        if (closed) throw new SpikeworksError(`${filename}: written after close`);
        chunks.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk.slice());
      },
      flush() {},
      close() {
        closed = true;
      },
      get closed() {
        return closed;
      },
    };
  }
  read(filename: string): Uint8Array {
    const chunks = this.files.get(filename);
    if (!chunks) throw new SpikeworksError(`no file ${filename} in this memory sink`);
    let n = 0;
    for (const c of chunks) n += c.length;
    const out = new Uint8Array(n);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
  /** The file as text. */
  text(filename: string): string {
    return new TextDecoder().decode(this.read(filename));
  }
}
