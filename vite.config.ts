import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is a static bundle: served from app:// in Electron and by the bridge in evaluation mode.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    // No inline scripts or styles, so the CSP can stay free of 'unsafe-inline'.
    assetsInlineLimit: 0,
  },
});
