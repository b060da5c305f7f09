/**
 * The benchmark's baseline: a bare Worker that forwards every request to
 * UPSTREAM_URL with the read account and returns the answer, with no checks.
 */
interface PassThroughEnv {
  readonly UPSTREAM_URL: string;
  readonly UPSTREAM_READ_USER: string;
  readonly UPSTREAM_READ_PASSWORD: string;
}

export default {
  async fetch(request: Request, env: PassThroughEnv): Promise<Response> {
    const url = new URL(request.url);
    const upstream = await fetch(`${env.UPSTREAM_URL}${url.pathname}${url.search}`, {
      method: request.method,
      headers: { Authorization: `Basic ${btoa(`${env.UPSTREAM_READ_USER}:${env.UPSTREAM_READ_PASSWORD}`)}`, Accept: "application/json" },
    });
    return new Response(await upstream.arrayBuffer(), { status: upstream.status, headers: { "Content-Type": upstream.headers.get("Content-Type") ?? "application/json" } });
  },
};
