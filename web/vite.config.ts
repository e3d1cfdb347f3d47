import { defineConfig } from 'vite';

// `npm run dev`: Vite on http://localhost:5173 with /api (REST and the /api/ws WebSocket) proxied to the
// API at http://localhost:3000 (`npm start` in another terminal, or API_URL=…).
const api = process.env.API_URL ?? 'http://localhost:3000';

export default defineConfig({
  build: {
    target: 'es2023',
    outDir: 'dist',
    emptyOutDir: true,
    // No inline <script> and no `modulepreload` polyfill: the API's CSP is `script-src 'self'`.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    rolldownOptions: {
      // @flock/shared builds its TypeBox schemas at module level; the app only takes types and constants
      // from it, so those schema calls are dropped when unused instead of shipping the schema library.
      treeshake: { manualPureFunctions: ['Type'] },
    },
  },
  server: {
    proxy: {
      '/api': {
        target: api,
        ws: true,
        changeOrigin: true,
        // The live feed checks that Origin matches Host: present the API's own origin through the proxy.
        configure: (proxy) => {
          proxy.on('proxyReqWs', (request) => request.setHeader('origin', api));
          proxy.on('proxyReq', (request) => request.setHeader('origin', api));
        },
      },
    },
  },
});
