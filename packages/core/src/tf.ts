// The TensorFlow.js that @hnn/core computes with, instead of the @tensorflow/tfjs umbrella (whose
// layers, converter, data and webgl packages cost ~230 MB of install and nothing here uses them):
// tfjs-core's ops; the gradient of every op, which tfjs-core alone does not register ("gradient
// function not found for Multiply") and an HNN's loss needs to second order, also inside a user's
// own network; the tensor methods (`x.square()`) that code written against the umbrella expects;
// and the pure-JS cpu backend, so that importing @hnn/core always leaves a backend that runs.
// '#tfjs-gradients' is a package.json "imports" entry: bundlers read tfjs-core's ES modules
// directly, Node gets them bundled into one file at build time (scripts/bundle-tfjs-gradients.mjs).
// package.json "sideEffects" lists this file: it has no code of its own, so a bundler that
// believed it pure would wire the re-exports straight to tfjs-core and drop the registrations.
// Import order is evaluation order: tfjs-core creates the engine that the others register into.
import '@tensorflow/tfjs-core';
import '#tfjs-gradients';
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
