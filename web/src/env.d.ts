// Lets TypeScript (which can't read single-file components) type-check the plain .ts files.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

// server/chain/schema.ts (the single source of the ledger's types) names Buffer in a type the
// portal never uses; this stands in for it so the portal type-checks without node's types.
type Buffer = Uint8Array;
