/**
 * Files: reading and writing tensors in the <a
 * href="https://huggingface.co/docs/safetensors">safetensors</a> format, whole
 * ({@link dev.graft.dsl.io.Safetensors#read}) or one tensor at a time from a large file
 * ({@link dev.graft.dsl.io.Safetensors#open}); writes are atomic. Every problem with a file is a
 * {@link dev.graft.dsl.io.SafetensorsException} naming the file and, where there is one, the key.
 *
 * <p>On top of it: whole-model checkpoints and base checkpoints loaded into adapted trees
 * ({@link dev.graft.dsl.io.Checkpoints}), adapters in Hugging Face PEFT's directory layout
 * ({@link dev.graft.dsl.io.PeftAdapters}), and the name mapper between tree paths and PyTorch
 * names ({@link dev.graft.dsl.io.ModuleNames}).
 */
@NullMarked
package dev.graft.dsl.io;

import org.jspecify.annotations.NullMarked;
