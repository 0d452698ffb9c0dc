/** Messages of the finance pages (政策兑现), spread into zh-CN.ts; finance.en.ts must have the same keys. */
export default {};
