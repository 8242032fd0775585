/**
 * The adapter zoo: the {@link dev.graft.dsl.lora.LoraWrapper} extension point, the {@link
 * dev.graft.dsl.lora.AdapterFactory} that builds adapters, and every formula of ZOO.md for Linear
 * and Conv layers.
 */
@NullMarked
package dev.graft.dsl.lora;

import org.jspecify.annotations.NullMarked;
