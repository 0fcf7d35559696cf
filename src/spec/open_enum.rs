//! [`OpenEnum`]: an enumerated value that also keeps values added to the API later.

use std::{fmt, marker::PhantomData, str::FromStr};

use schemars::{
    JsonSchema,
    r#gen::SchemaGenerator,
    schema::{Schema, SchemaObject, SubschemaValidation},
};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Visitor};

/// A value of the closed enumeration `T`, or a value the service added after this crate was
/// built, kept as the raw string so that an old client never fails on a new value.
///
/// ```
/// use otc_vpcep::{OpenEnum, types::ServiceStatus};
///
/// let known: OpenEnum<ServiceStatus> = serde_json::from_str(r#""available""#).unwrap();
/// assert_eq!(known, ServiceStatus::Available);
/// let new: OpenEnum<ServiceStatus> = serde_json::from_str(r#""frozen""#).unwrap();
/// assert_eq!(new, OpenEnum::Unknown("frozen".to_string()));
/// assert_eq!(new.to_string(), "frozen");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OpenEnum<T> {
    /// A value this crate knows.
    Known(T),
    /// A value this crate does not know, as the service sent it.
    Unknown(String),
}

impl<T> OpenEnum<T> {
    /// The known value, if it is one.
    pub fn known(&self) -> Option<&T> {
        match self {
            Self::Known(value) => Some(value),
            Self::Unknown(_) => None,
        }
    }
}

impl<T> From<T> for OpenEnum<T> {
    fn from(value: T) -> Self {
        Self::Known(value)
    }
}

impl<T: PartialEq> PartialEq<T> for OpenEnum<T> {
    fn eq(&self, other: &T) -> bool {
        self.known() == Some(other)
    }
}

impl<T: FromStr> FromStr for OpenEnum<T> {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(value
            .parse()
            .map_or_else(|_| Self::Unknown(value.to_owned()), Self::Known))
    }
}

impl<T: fmt::Display> fmt::Display for OpenEnum<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Known(value) => value.fmt(f),
            Self::Unknown(raw) => f.write_str(raw),
        }
    }
}

impl<T: Serialize> Serialize for OpenEnum<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Known(value) => value.serialize(serializer),
            Self::Unknown(raw) => serializer.serialize_str(raw),
        }
    }
}

impl<'de, T: FromStr> Deserialize<'de> for OpenEnum<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(OpenEnumVisitor(PhantomData))
    }
}

/// Reads the string in place: a known value needs no copy of it.
struct OpenEnumVisitor<T>(PhantomData<T>);

impl<T: FromStr> Visitor<'_> for OpenEnumVisitor<T> {
    type Value = OpenEnum<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(value.parse().unwrap_or_else(|never| match never {}))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(value
            .parse()
            .map_or_else(|_| OpenEnum::Unknown(value), OpenEnum::Known))
    }
}

/// The schema of the spec's `Open*` schemas: `anyOf` the closed enumeration's schema and a
/// string.
impl<T: JsonSchema> JsonSchema for OpenEnum<T> {
    fn is_referenceable() -> bool {
        false
    }

    fn schema_name() -> String {
        format!("Open{}", T::schema_name())
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        SchemaObject {
            subschemas: Some(Box::new(SubschemaValidation {
                any_of: Some(vec![
                    generator.subschema_for::<T>(),
                    generator.subschema_for::<String>(),
                ]),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}
