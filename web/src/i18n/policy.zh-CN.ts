/** Messages of the policy pages (政策兑现), spread into zh-CN.ts; policy.en.ts must have the same keys. */
export default {};
