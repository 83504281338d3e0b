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
