import { kernelContext, type KernelContext, type NeuronGroupContext, type NeuronKernel, type NeuronModel, type NeuronScheme, type StateData } from '../../index.js';

/**
 * A model's kernel outside a simulator, over state allocated from the declarations as a population's is
 * (the model's variables in the scheme's precision plus the scheme's internal ones), for kernel-level tests.
 * `create` builds it from the context (default: the scheme's own create).
 */
export function kernelOf<K extends NeuronKernel = NeuronKernel>(
  model: NeuronModel, scheme: NeuronScheme, ctx: NeuronGroupContext, create: (c: KernelContext) => K = (c) => scheme.create(c) as K,
): K & { state: StateData; context: KernelContext } {
  const context = kernelContext(model, scheme, ctx);
  const kernel = create(context);
  return Object.assign(kernel, { state: context.state, context });
}
