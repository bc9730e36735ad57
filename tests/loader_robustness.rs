//! Property tests: the loader never panics, whatever bytes or YAML it is given.

use proptest::prelude::*;
use zdpolicy::policy::{load_sources, source::SourceMap};

fn load(text: String) {
    let mut sources = SourceMap::new();
    sources.add("fuzz.yaml", text);
    let policy = load_sources("fuzz".into(), sources);
    // Rendering every diagnostic must not panic either (spans must stay in bounds).
    let _ = zdpolicy::output::diagnostics::human(&policy.diagnostics, &policy.sources, false);
    let _ = zdpolicy::output::diagnostics::json(&policy.diagnostics, &policy.sources);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        load(String::from_utf8_lossy(&bytes).into_owned());
    }

    #[test]
    fn yaml_like_text_never_panics(text in "(version: 1\n)?(accounts:\n)?([ a-z_:{}\\[\\],\n\"'#&*!|>-]{0,40}\n){0,12}") {
        load(text);
    }

    #[test]
    fn mutated_examples_never_panic(cut in 0usize..2000, insert in "[ :\\-\\[\\]{}\"\n#a-z0-9]{0,8}") {
        let base = include_str!("../examples/multi-account/zdpolicy.yaml");
        let mut cut = cut.min(base.len());
        while !base.is_char_boundary(cut) { cut -= 1; }
        load(format!("{}{}{}", &base[..cut], insert, &base[cut..]));
    }
}
