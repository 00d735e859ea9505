// Registers the gradient of every TensorFlow.js op and the chained tensor methods, as the
// @tensorflow/tfjs umbrella does. These are tfjs-core's ES modules with extensionless relative
// imports, which bundlers resolve and Node does not: under Node, package.json "imports" maps
// '#tfjs-gradients' to dist/tfjs-gradients.node.js, this file bundled by
// scripts/bundle-tfjs-gradients.mjs. The registries they write to are global (tfjs-core's
// getGlobal), so a bundled copy registers into the same engine as @tensorflow/tfjs-core, provided
// @tensorflow/tfjs-core is evaluated first: it creates that engine and its flags, which a copy
// evaluated earlier would create itself, without them ("Cannot evaluate flag 'DEBUG'").
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
