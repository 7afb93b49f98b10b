//! Code generation for the many "string enums" of the schema (varchar + CHECK
//! columns), so that `as_str`, `parse`, `ALL`, serde and `Display` can never
//! drift apart for a given enum.

/// `string_enum!(pub enum Name : "noun used in errors" { Variant => "db_value", ... })`
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $noun:literal {
            $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order (used for CHECK constraints and pickers).
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The value stored in the database and sent over the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }

            /// Exact, case-sensitive parse of a stored value.
            pub fn parse(value: &str) -> Result<Self, $crate::domain::error::DomainError> {
                match value {
                    $($text => Ok(Self::$variant),)+
                    _ => Err($crate::domain::error::DomainError::UnknownStatus {
                        kind: $noun,
                        value: value.to_owned(),
                    }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<$name> for &'static str {
            fn from(value: $name) -> &'static str {
                value.as_str()
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::domain::error::DomainError;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::parse(value)
            }
        }
    };
}

/// Adds transition methods to a `string_enum!` given its table of allowed
/// moves; `$kind` is the noun shown in `IllegalTransition` ("project").
macro_rules! state_machine {
    ($name:ident, $kind:literal, $allowed:expr) => {
        impl $name {
            /// States reachable in one step; the single source of truth.
            pub fn allowed_next(self) -> &'static [Self] {
                let table: fn(Self) -> &'static [Self] = $allowed;
                table(self)
            }

            pub fn next_states(self) -> Vec<Self> {
                self.allowed_next().to_vec()
            }

            pub fn can_transition_to(self, to: Self) -> bool {
                self.allowed_next().contains(&to)
            }

            /// Validates a move; staying in the same state is not a move.
            pub fn transition(self, to: Self) -> Result<Self, $crate::domain::error::DomainError> {
                if self.can_transition_to(to) {
                    Ok(to)
                } else {
                    Err($crate::domain::error::DomainError::IllegalTransition {
                        kind: $kind,
                        from: self.as_str().to_owned(),
                        to: to.as_str().to_owned(),
                    })
                }
            }

            /// No way out: the record is finished.
            pub fn is_terminal(self) -> bool {
                self.allowed_next().is_empty()
            }
        }
    };
}
