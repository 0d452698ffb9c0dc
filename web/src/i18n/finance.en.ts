import type messages from './finance.zh-CN.ts';

export default {} satisfies typeof messages;
