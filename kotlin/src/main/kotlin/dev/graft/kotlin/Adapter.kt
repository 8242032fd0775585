package dev.graft.kotlin

import dev.graft.dsl.lora.AdapterFactory
import dev.graft.dsl.lora.DoRAAdapter
import dev.graft.dsl.lora.IA3Adapter
import dev.graft.dsl.lora.LoKrAdapter
import dev.graft.dsl.lora.LoRAAdapter
import dev.graft.dsl.lora.LoRAFAAdapter
import dev.graft.dsl.lora.MiLoRAAdapter
import dev.graft.dsl.lora.PiSSAAdapter
import dev.graft.dsl.lora.RsLoRAAdapter
import dev.graft.dsl.lora.LoRAXSAdapter
import dev.graft.dsl.lora.OFTAdapter
import dev.graft.dsl.lora.VeRAAdapter

/**
 * The adapters of the zoo by method, each with the factories that wrap `Linear` and
 * `Conv1d/2d/3d` layers (one factory for both where the method is one class, else the Linear one
 * first). `adapters(DoRA)` in a [LoraScope] puts [factories] into the spec's wrappers.
 *
 * @property factories the Java factories of this method
 */
@Suppress("EnumEntryName")
enum class Adapter(val factories: List<AdapterFactory>) {
    /** LoRA: `LoRAAdapter` (the default). */
    LoRA(listOf(LoRAAdapter.FACTORY)),

    /** Rank-stabilized LoRA: `RsLoRAAdapter`. */
    RsLoRA(listOf(RsLoRAAdapter.FACTORY)),

    /** LoRA-FA (frozen A): `LoRAFAAdapter`. */
    LoRAFA(listOf(LoRAFAAdapter.FACTORY)),

    /** DoRA (magnitude and direction): `DoRAAdapter`. */
    DoRA(listOf(DoRAAdapter.FACTORY)),

    /** PiSSA (principal singular vectors): `PiSSAAdapter`. */
    PiSSA(listOf(PiSSAAdapter.FACTORY)),

    /** MiLoRA (minor singular vectors): `MiLoRAAdapter`. */
    MiLoRA(listOf(MiLoRAAdapter.FACTORY)),

    /** LoRA-XS: `LoRAXSAdapter`. */
    LoRAXS(listOf(LoRAXSAdapter.FACTORY)),

    /** VeRA (shared random projections): `VeRAAdapter`. */
    VeRA(listOf(VeRAAdapter.FACTORY)),

    /** (IA)³: `IA3Adapter`. */
    IA3(listOf(IA3Adapter.FACTORY)),

    /** LoKr (Kronecker product): `LoKrAdapter`. */
    LoKr(listOf(LoKrAdapter.FACTORY)),

    /** OFT (block-diagonal orthogonal): `OFTAdapter`. */
    OFT(listOf(OFTAdapter.FACTORY)),
}
