//! Country of an IP address from an offline MaxMind-format database. The default is
//! the "geo-whois-asn-country" database of the ip-location-db project (npm package
//! `@ip-location-db/geo-whois-asn-country-mmdb`, fetched by scripts/setup.sh). The
//! package is marked CC0-1.0 but its data comes from the NRO under CC BY 4.0, so
//! setup copies NRO_LICENSE beside it and the data needs attribution to nro.net.
//! Without the file every country is unknown and nothing else changes.

use crate::policy::ip_rules::is_private;
use maxminddb::Reader;
use serde::Deserialize;
use std::net::IpAddr;
use std::path::Path;

/// Where setup puts the database, relative to the working directory.
pub const DEFAULT_GEO_DB: &str = "data/geo/geo-whois-asn-country.mmdb";

/// The two record layouts seen in the wild: ip-location-db's flat `country_code`
/// and MaxMind's `country.iso_code`.
#[derive(Deserialize)]
struct CountryRecord<'a> {
    #[serde(borrow)]
    country_code: Option<&'a str>,
    #[serde(borrow)]
    country: Option<IsoCode<'a>>,
}

#[derive(Deserialize)]
struct IsoCode<'a> {
    iso_code: Option<&'a str>,
}

pub struct GeoDb {
    reader: Option<Reader<Vec<u8>>>,
}

impl GeoDb {
    pub fn none() -> GeoDb {
        GeoDb { reader: None }
    }

    /// Opens the database at `path`; a missing or unreadable file is logged once and
    /// gives an empty database.
    pub fn open(path: Option<&Path>) -> GeoDb {
        let Some(path) = path else {
            return GeoDb::none();
        };
        match Reader::open_readfile(path) {
            Ok(reader) => GeoDb {
                reader: Some(reader),
            },
            Err(err) => {
                tracing::warn!(
                    path = %path.display(),
                    error = %err,
                    "no IP-to-country database: countries show as unknown (run `bash scripts/setup.sh` to fetch it)"
                );
                GeoDb::none()
            }
        }
    }

    pub fn is_loaded(&self) -> bool {
        self.reader.is_some()
    }

    /// ISO 3166 alpha-2 code in upper case, or `None` (unknown, private, unparsable).
    pub fn country(&self, ip: &str) -> Option<String> {
        let reader = self.reader.as_ref()?;
        let ip = ip.parse::<IpAddr>().ok()?.to_canonical();
        if is_private(ip) {
            return None;
        }
        let record: CountryRecord = reader.lookup(ip).ok().flatten()?;
        let code = record
            .country_code
            .or(record.country.and_then(|country| country.iso_code))?;
        (code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()))
            .then(|| code.to_ascii_uppercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> GeoDb {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(DEFAULT_GEO_DB);
        assert!(
            path.exists(),
            "{} is missing: run `bash scripts/setup.sh` to fetch it",
            path.display()
        );
        let db = GeoDb::open(Some(&path));
        assert!(db.is_loaded());
        db
    }

    #[test]
    fn public_addresses_have_countries() {
        let db = shipped();
        assert_eq!(db.country("8.8.8.8").as_deref(), Some("US"));
        assert_eq!(db.country("::ffff:8.8.8.8").as_deref(), Some("US"));
        assert!(
            db.country("2001:4860:4860::8888").is_some(),
            "IPv6 is covered too"
        );
    }

    #[test]
    fn private_and_junk_have_none() {
        let db = shipped();
        for ip in ["10.0.0.1", "127.0.0.1", "::1", "fd00::1", "not an ip", ""] {
            assert_eq!(db.country(ip), None, "{ip}");
        }
    }

    #[test]
    fn a_missing_file_is_an_empty_database() {
        let db = GeoDb::open(Some(Path::new("/nonexistent/geo.mmdb")));
        assert!(!db.is_loaded());
        assert_eq!(db.country("8.8.8.8"), None);
        assert_eq!(GeoDb::none().country("8.8.8.8"), None);
    }
}
