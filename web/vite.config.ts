import { defineConfig } from 'vite';

// Served by `tracegraph serve` under /app/ (see web.go).
export default defineConfig({
  base: '/app/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
