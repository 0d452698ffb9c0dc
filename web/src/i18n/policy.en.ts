import type messages from './policy.zh-CN.ts';

export default {} satisfies typeof messages;
