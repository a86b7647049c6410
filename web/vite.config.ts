import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built into target/classes/web, which the web module's jar carries into the node; the edge serves it at /.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'target/classes/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
