//! Settings from `initializationOptions` and `workspace/didChangeConfiguration`: either nested
//! (`{"domxml": {"schema": {"path": ...}}}`), without the `domxml` level, or with dotted keys
//! (`{"domxml.schema.path": ...}`).

use domxml_ide::format::FormatOptions;
use domxml_libvirt::rules::{RuleCode, RuleOptions};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `None`: discovery (environment, host schemas, else built-in); `"builtin"`: the
    /// embedded catalogue; else a libvirt schema directory or an `.rng` entry file.
    pub schema_path: Option<String>,
    /// libvirt rules switched off (`domxml.rules.disabled`); unknown names are ignored.
    pub rules_disabled: Vec<RuleCode>,
    pub diagnostics_enable: bool,
    pub format_enable: bool,
    pub format: FormatOptions,
    /// The user chose the indentation (`domxml.format.indentWidth` or `useTabs`): it wins over
    /// the editor's `FormattingOptions`.
    pub indent_set: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            schema_path: None,
            rules_disabled: Vec::new(),
            diagnostics_enable: true,
            format_enable: true,
            format: FormatOptions::default(),
            indent_set: false,
        }
    }
}

fn lookup<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let roots = [v.get("domxml"), Some(v)];
    for root in roots.into_iter().flatten() {
        // Nested objects.
        let mut cur = Some(root);
        for key in path {
            cur = cur.and_then(|c| c.get(*key));
        }
        if cur.is_some_and(|c| !c.is_null()) {
            return cur;
        }
        // Dotted keys, with or without the `domxml.` prefix, at any split.
        for split in 1..path.len() {
            let head = path[..split].join(".");
            let mut cur = root.get(&head);
            for key in &path[split..] {
                cur = cur.and_then(|c| c.get(*key));
            }
            if cur.is_some_and(|c| !c.is_null()) {
                return cur;
            }
        }
        let dotted = path.join(".");
        for key in [dotted.clone(), format!("domxml.{dotted}")] {
            if let Some(c) = root.get(&key).filter(|c| !c.is_null()) {
                return Some(c);
            }
        }
    }
    None
}

impl Config {
    pub fn rule_options(&self) -> RuleOptions {
        RuleOptions {
            disabled: self.rules_disabled.clone(),
        }
    }

    /// Applies the settings present in `v`; absent ones keep their current value.
    pub fn update(&mut self, v: &Value) {
        if let Some(p) = lookup(v, &["schema", "path"]) {
            self.schema_path = p
                .as_str()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from);
        }
        if let Some(list) = lookup(v, &["rules", "disabled"]).and_then(Value::as_array) {
            self.rules_disabled = list
                .iter()
                .filter_map(Value::as_str)
                .filter_map(RuleCode::from_name)
                .collect();
        }
        if let Some(b) = lookup(v, &["diagnostics", "enable"]).and_then(Value::as_bool) {
            self.diagnostics_enable = b;
        }
        if let Some(b) = lookup(v, &["format", "enable"]).and_then(Value::as_bool) {
            self.format_enable = b;
        }
        if let Some(n) = lookup(v, &["format", "indentWidth"]).and_then(Value::as_u64) {
            self.format.indent_width = n.clamp(0, 16) as usize;
            self.indent_set = true;
        }
        if let Some(b) = lookup(v, &["format", "useTabs"]).and_then(Value::as_bool) {
            self.format.use_tabs = b;
            self.indent_set = true;
        }
        if let Some(b) = lookup(v, &["format", "keepBlankLines"]).and_then(Value::as_bool) {
            self.format.keep_blank_lines = b;
        }
    }

    /// The format options for one request: the editor's indentation unless the user set ours.
    pub fn format_options(&self, tab_size: u32, insert_spaces: bool) -> FormatOptions {
        let mut options = self.format.clone();
        if !self.indent_set {
            options.indent_width = (tab_size as usize).min(16);
            options.use_tabs = !insert_spaces;
        }
        options
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_shapes() {
        let mut c = Config::default();
        c.update(
            &json!({"domxml": {"schema": {"path": "/x/domain.rng"}, "format": {"indentWidth": 4}}}),
        );
        assert_eq!(c.schema_path.as_deref(), Some("/x/domain.rng"));
        assert_eq!(c.format.indent_width, 4);
        c.update(&json!({"domxml.diagnostics.enable": false}));
        assert!(!c.diagnostics_enable);
        // "builtin" is a choice of its own: host schemas must not override it.
        c.update(&json!({"schema": {"path": "builtin"}}));
        assert_eq!(c.schema_path.as_deref(), Some("builtin"));
        c.update(&json!({"schema": {"path": ""}}));
        assert_eq!(c.schema_path, None);
        c.update(&json!({"domxml": {"format.useTabs": true}}));
        assert!(c.format.use_tabs);
        c.update(&json!(null));
        assert!(c.format.use_tabs);
    }

    #[test]
    fn editor_indentation_unless_ours_is_set() {
        let c = Config::default();
        let o = c.format_options(4, true);
        assert_eq!((o.indent_width, o.use_tabs), (4, false));
        assert!(c.format_options(8, false).use_tabs);
        let mut c = Config::default();
        c.update(&json!({"domxml": {"format": {"indentWidth": 2}}}));
        let o = c.format_options(4, true);
        assert_eq!((o.indent_width, o.use_tabs), (2, false));
    }
}
