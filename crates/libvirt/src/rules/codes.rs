//! The one list of rule codes: name, driver scope, default severity and a one-line summary.

use crate::Severity;

/// Which domains a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// libvirt's driver-independent checks (`src/conf/`): every domain.
    Generic,
    /// The QEMU driver's checks (`src/qemu/`): only `type='kvm'` and `type='qemu'` domains.
    Qemu,
}

macro_rules! rule_codes {
    ($($variant:ident = ($name:literal, $scope:ident, $severity:ident, $summary:literal),)*) => {
        /// A stable rule code, as shown to users and accepted by `--disable`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleCode {
            $($variant,)*
        }

        impl RuleCode {
            pub const ALL: &[RuleCode] = &[$(RuleCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleCode::$variant => $name,)*
                }
            }

            pub fn scope(self) -> Scope {
                match self {
                    $(RuleCode::$variant => Scope::$scope,)*
                }
            }

            pub fn severity(self) -> Severity {
                match self {
                    $(RuleCode::$variant => Severity::$severity,)*
                }
            }

            pub fn summary(self) -> &'static str {
                match self {
                    $(RuleCode::$variant => $summary,)*
                }
            }

            pub fn from_name(name: &str) -> Option<RuleCode> {
                RuleCode::ALL.iter().copied().find(|c| c.as_str() == name)
            }
        }
    };
}

rule_codes! {}
