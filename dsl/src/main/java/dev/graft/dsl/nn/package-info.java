/**
 * Layers: {@code Linear}, convolutions ({@code Conv} and {@code ConvTranspose} with 1, 2 or 3
 * spatial axes, made by {@code Conv1d/2d/3d} and {@code ConvTranspose1d/2d/3d}), {@code
 * Embedding}, {@code LayerNorm}, {@code Dropout}, activations, {@code Sequential}, {@code Mlp},
 * the mixture-of-experts {@code GroupedLinear}, and the transformer encoder: {@code
 * SelfAttention} (multi-head, padding and causal masks), BERT's blocks and {@code Bert} itself
 * (read from an ONNX export; {@code dev.graft.dsl.io.BertSafetensors} reads Hugging Face
 * safetensors), with {@code Pooling} for sentence embeddings. Each layer is a record whose
 * components are its children; each factory takes a {@link dev.graft.runtime.Key} and
 * initializes as PyTorch does by default.
 */
@NullMarked
package dev.graft.dsl.nn;

import org.jspecify.annotations.NullMarked;
