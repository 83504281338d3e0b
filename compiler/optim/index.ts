// The `optim` namespace: functional optimizers on stacked params, and PyTorch-like objects over them.
export { sgd, sgdInit, type SGDOptions, type SGDState } from './sgd.js';
export { adam, adamw, adamInit, type AdamOptions, type AdamState } from './adam.js';
export { Optimizer, SGD, Adam, AdamW, type Update } from './optimizer.js';
export { memberCount, type PerMember, type LearningRate } from './hyper.js';
