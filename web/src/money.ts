// Shared with the server (shared/money.ts): one conversion between yuan and fen.
export { fenToYuan, scorePoints, yuanToFen } from '@shared/money.ts';
