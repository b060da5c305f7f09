// One TCP connection: read a single request, hand it on, write one response
// and close, as the daemon does (no keep-alive).

import type { Socket } from "node:net";

import { errorBody } from "./errors.ts";
import { type ReadResult, RequestReader, type WireRequest, formatResponse } from "./http-wire.ts";
import type { RapiResponse } from "./rapi-pipeline.ts";

export interface ConnectionHandlers {
  /** Idle time allowed between reads (the daemon's READ_TIMEOUT is 10 s). */
  readonly readTimeoutMs: number;
  readonly onRequest: (request: WireRequest, socket: Socket) => void;
  /** A request the daemon drops without a reply; still worth counting. */
  readonly onDroppedRequest: (request: WireRequest) => void;
}

/** Writes a response and closes the connection once it is flushed. */
export function sendResponse(socket: Socket, version: string, response: RapiResponse): void {
  if (socket.destroyed) {
    return;
  }
  socket.end(formatResponse(version, response.status, response.headers, response.body), () => socket.destroy());
}

export function readRequest(socket: Socket, handlers: ConnectionHandlers): void {
  const reader = new RequestReader();
  let done = false;

  const finish = (result: ReadResult): void => {
    if (done || result.kind === "incomplete") {
      return;
    }
    done = true;
    socket.setTimeout(0);
    socket.removeListener("data", onData);
    socket.removeListener("end", onEnd);

    switch (result.kind) {
      case "request":
        handlers.onRequest(result.request, socket);
        return;
      case "reject": {
        // The request line could not be parsed, so the daemon responds as HTTP/0.9, without headers.
        const error = result.error;
        sendResponse(socket, "HTTP/0.9", { status: error.status, headers: [], body: errorBody(error.status, error.detail) });
        return;
      }
      default:
        if (result.request !== undefined) {
          handlers.onDroppedRequest(result.request);
        }
        socket.destroy();
    }
  };

  const onData = (chunk: Buffer): void => finish(reader.push(chunk));
  const onEnd = (): void => finish(reader.end());

  socket.setTimeout(handlers.readTimeoutMs, () => {
    if (!done) {
      done = true;
      socket.destroy();
    }
  });
  socket.on("data", onData);
  socket.on("end", onEnd);
  socket.on("error", () => socket.destroy());
}
