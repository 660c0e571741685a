import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'

type RouteHandler = (req: Request, route: { params: Promise<{ connectionId: string }> }) => Promise<Response>

/**
 * Serves a `/…/:connectionId` route handler (e.g. the Stripe webhook route) over real HTTP on
 * 127.0.0.1, so the sandbox can deliver to it as Stripe delivers to the app.
 */
export async function serveConnectionRoute(handler: RouteHandler): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const connectionId = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.split('/').pop() ?? '')
    const request = new Request(`http://localhost${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } as RequestInit)
    handler(request, { params: Promise.resolve({ connectionId }) })
      .then(async (response) => {
        res.writeHead(response.status, { 'content-type': 'application/json' })
        res.end(Buffer.from(await response.arrayBuffer()))
      })
      .catch((error) => {
        res.writeHead(500)
        res.end(String(error))
      })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
