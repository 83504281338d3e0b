// The `nn` namespace: Module, Parameter, Buffer, the layers, `functional` and `init`.
export { Module, Parameter, Buffer, type StateDict } from './module.js';
export { Linear, Embedding, Identity, Flatten } from './linear.js';
export { Conv1d, Conv2d, type ConvLayerOptions } from './conv.js';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d } from './pool.js';
export { LayerNorm, BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './norm.js';
export { ReLU, Tanh, Sigmoid, SiLU, GELU, Softmax, LogSoftmax, Dropout } from './activation.js';
export { Sequential, ModuleList, ModuleDict, type SequentialInput, type SequentialOutput, type ModuleDictEntry } from './container.js';
export * as functional from './functional.js';
export * as init from './init.js';
export { LeakyReLU, ELU, Softplus, Mish, Hardswish } from './activation.js';
export { GroupNorm, InstanceNorm1d, InstanceNorm2d, RMSNorm, type GroupNormOptions, type InstanceNormOptions, type RMSNormOptions } from './group-norm.js';
export { ConvTranspose1d, ConvTranspose2d, type ConvTransposeLayerOptions } from './conv-transpose.js';
export { Upsample, AdaptiveAvgPool1d, AdaptiveAvgPool2d, type InterpolateMode } from './resample.js';
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionCall } from './attention.js';
export { TransformerEncoderLayer, type TransformerEncoderLayerOptions, type TransformerEncoderLayerCall } from './transformer.js';
export { LSTM, GRU, type RecurrentOptions } from './recurrent.js';
