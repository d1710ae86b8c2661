import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// Two pages, both served by `tracegraph serve` from the binary (see web.go): the
// command centre's page at /app/ (index.html) and the GraphQL IDE at / (ide.html, whose
// assets live under /app/assets/ with the page's). The build goes to dist/page/, beside
// the committed dist/fallback/ that a binary built without npm serves instead.
export default defineConfig({
  base: '/app/',
  build: {
    outDir: 'dist/page',
    emptyOutDir: true,
    // GraphiQL brings Monaco: a few MB, loaded only by the IDE page.
    chunkSizeWarningLimit: 5000,
    rollupOptions: {
      input: { main: resolve(import.meta.dirname, 'index.html'), ide: resolve(import.meta.dirname, 'ide.html') },
      // GraphiQL's React libraries mark modules "use client" (for server components);
      // a browser bundle has no use for it, so the warning per module is noise.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
