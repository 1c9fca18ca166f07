import type { ParamSchema } from '../../core/schema.js';

/**
 * The names of the user models the tests register (test/core/helpers.ts, plugins/recorders/recorders.test.ts,
 * core/compile.test.ts, core/registry.test.ts, plugins/neurons/user_model.test.ts, plugins/synapses/plasticity/
 * helpers.ts, parallel/fixtures/failing.ts and user-network.ts, core/equations/user_model.test.ts,
 * plugins/schemes/exact.test.ts, plugins/neurons/hh_*.test.ts), declared as a user declares their own
 * (docs/api.md, "Typed parameters"): create() then takes them, with loose params.
 */
declare module '../../core/model-types.js' {
  interface SpikeworksModels {
    test_step_pulse: ParamSchema;
    test_input_counter: ParamSchema;
    test_relax: ParamSchema;
    test_targets: ParamSchema;
    my_lif: ParamSchema;
    user_pif: ParamSchema;
    force_pre: ParamSchema;
    force_post: ParamSchema;
    failing_iaf_psc_exp: ParamSchema;
    failing_build_iaf_psc_exp: ParamSchema;
    user_lif: ParamSchema;
    my_aLIF: ParamSchema;
    quadratic_if: ParamSchema;
    hh_psc_alpha_fallback: ParamSchema;
    hh_cond_exp_traub_fallback: ParamSchema;
    hh_cond_exp_traub_tight: ParamSchema;
  }
}
