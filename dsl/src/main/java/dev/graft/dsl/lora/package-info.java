/**
 * The adapter zoo: the {@link dev.graft.dsl.lora.LoraWrapper} extension point, the {@link
 * dev.graft.dsl.lora.AdapterFactory} that builds adapters, and every formula of ZOO.md, each one
 * class for Linear, Conv and GroupedLinear layers through {@link dev.graft.dsl.lora.WeightView}
 * and listed, with the {@link dev.graft.dsl.lora.AdapterKind} it declares, in {@link
 * dev.graft.dsl.lora.AdapterCatalog}.
 */
@NullMarked
package dev.graft.dsl.lora;

import org.jspecify.annotations.NullMarked;
