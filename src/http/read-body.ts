import { RapiError } from "../rapi/errors";

/**
 * Reads a request body of at most `maxBytes`, returning 413 as soon as the
 * declared or streamed size goes over, without buffering the excess.
 */
export async function readBodyWithin(request: Request, maxBytes: number): Promise<Uint8Array> {
  rejectDeclaredOversize(request, maxBytes);
  if (request.body === null) {
    return new Uint8Array(0);
  }

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await readChunk(reader);
    if (done) {
      break;
    }
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new RapiError(413, undefined, { detail: `body exceeds ${maxBytes} bytes` });
    }
    chunks.push(value);
  }

  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** Reads the next chunk; a body the client stops sending midway is a 400, not a defect of the gateway. */
async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch (error) {
    throw new RapiError(400, undefined, { detail: `request body could not be read: ${String(error)}` });
  }
}

/** Rejects with 413 from Content-Length alone, before anything is read. */
export function rejectDeclaredOversize(request: Request, maxBytes: number): void {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && /^[0-9]+$/.test(declared.trim()) && Number(declared.trim()) > maxBytes) {
    throw new RapiError(413, undefined, { detail: `declared body of ${declared.trim()} bytes exceeds ${maxBytes}` });
  }
}
