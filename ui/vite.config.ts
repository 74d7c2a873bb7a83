import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

// The Tauri shell loads http://localhost:1420 in development (devUrl) and the files of
// ui/dist in builds (frontendDist); `base: './'` keeps asset URLs relative for the custom
// protocol that serves them.
export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  base: './',
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    // The Rust side is rebuilt by Tauri, not by Vite.
    watch: { ignored: ['**/target/**', '**/src-tauri/**', '**/crates/**'] },
  },
  preview: {
    port: 1421,
    strictPort: true,
  },
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK 2.4x / WebView2 / WKWebView all handle ES2022.
    target: 'es2022',
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
  },
});
