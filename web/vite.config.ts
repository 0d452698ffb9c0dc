import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const target = process.env.TONGBAN_API ?? 'http://127.0.0.1:8080';

/**
 * The portal is one build served at `/<dept>/` by every department node, so assets load from
 * the root (`base: '/'`) and the router picks its base from the address at run time.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [vue()],
  // Wire types and pure helpers shared with the server (shared/, the portal's only way into server code).
  resolve: { alias: { '@shared': fileURLToPath(new URL('../shared', import.meta.url)) } },
  define: {
    __VUE_OPTIONS_API__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: {
        // Libraries change less often than pages: separate chunks stay cached across deploys.
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)/ },
            { name: 'element', test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|async-validator|dayjs|lodash)/ },
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    // `npm start` serves the API on 8080; in development Vite serves the pages and proxies the rest.
    // (`/src/api/...` is the portal's own source, not a department called "src").
    proxy: {
      '^/(?!src/)[a-z][a-z0-9-]+/api/': { target },
      '/api/': { target },
    },
  },
});
