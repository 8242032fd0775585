package dev.graft.kotlin

import dev.graft.dsl.lora.AdapterFactory
import dev.graft.dsl.lora.DoRAConv
import dev.graft.dsl.lora.DoRALinear
import dev.graft.dsl.lora.IA3Conv
import dev.graft.dsl.lora.IA3Linear
import dev.graft.dsl.lora.LoKrConv
import dev.graft.dsl.lora.LoKrLinear
import dev.graft.dsl.lora.LoRAConv
import dev.graft.dsl.lora.LoRAFAConv
import dev.graft.dsl.lora.LoRAFALinear
import dev.graft.dsl.lora.LoRALinear
import dev.graft.dsl.lora.LoRAXSConv
import dev.graft.dsl.lora.LoRAXSLinear
import dev.graft.dsl.lora.MiLoRAConv
import dev.graft.dsl.lora.MiLoRALinear
import dev.graft.dsl.lora.OFTConv
import dev.graft.dsl.lora.OFTLinear
import dev.graft.dsl.lora.PiSSAConv
import dev.graft.dsl.lora.PiSSALinear
import dev.graft.dsl.lora.RsLoRAConv
import dev.graft.dsl.lora.RsLoRALinear
import dev.graft.dsl.lora.VeRAConv
import dev.graft.dsl.lora.VeRALinear

/**
 * The adapters of the zoo by method, each with the factories that wrap a `Linear` and a
 * `Conv1d/2d/3d` (in that order). `adapters(DoRA)` in a [LoraScope] puts [factories] into the
 * spec's wrappers.
 *
 * @property factories the Java factories of this method, the Linear one first
 */
@Suppress("EnumEntryName")
enum class Adapter(val factories: List<AdapterFactory>) {
    /** LoRA: `LoRALinear`, `LoRAConv` (the default). */
    LoRA(listOf(LoRALinear.FACTORY, LoRAConv.FACTORY)),

    /** Rank-stabilized LoRA: `RsLoRALinear`, `RsLoRAConv`. */
    RsLoRA(listOf(RsLoRALinear.FACTORY, RsLoRAConv.FACTORY)),

    /** LoRA-FA (frozen A): `LoRAFALinear`, `LoRAFAConv`. */
    LoRAFA(listOf(LoRAFALinear.FACTORY, LoRAFAConv.FACTORY)),

    /** DoRA (magnitude and direction): `DoRALinear`, `DoRAConv`. */
    DoRA(listOf(DoRALinear.FACTORY, DoRAConv.FACTORY)),

    /** PiSSA (principal singular vectors): `PiSSALinear`, `PiSSAConv`. */
    PiSSA(listOf(PiSSALinear.FACTORY, PiSSAConv.FACTORY)),

    /** MiLoRA (minor singular vectors): `MiLoRALinear`, `MiLoRAConv`. */
    MiLoRA(listOf(MiLoRALinear.FACTORY, MiLoRAConv.FACTORY)),

    /** LoRA-XS: `LoRAXSLinear`, `LoRAXSConv`. */
    LoRAXS(listOf(LoRAXSLinear.FACTORY, LoRAXSConv.FACTORY)),

    /** VeRA (shared random projections): `VeRALinear`, `VeRAConv`. */
    VeRA(listOf(VeRALinear.FACTORY, VeRAConv.FACTORY)),

    /** (IA)³: `IA3Linear`, `IA3Conv`. */
    IA3(listOf(IA3Linear.FACTORY, IA3Conv.FACTORY)),

    /** LoKr (Kronecker product): `LoKrLinear`, `LoKrConv`. */
    LoKr(listOf(LoKrLinear.FACTORY, LoKrConv.FACTORY)),

    /** OFT (block-diagonal orthogonal): `OFTLinear`, `OFTConv`. */
    OFT(listOf(OFTLinear.FACTORY, OFTConv.FACTORY)),
}
