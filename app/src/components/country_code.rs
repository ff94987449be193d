//! A session's country as its two-letter code, with the same tooltip on every page.
//! Not an emoji flag: those are empty boxes on Linux and bare letters on Windows.

use crate::format::{country, country_title};
use leptos::prelude::*;

#[component]
pub fn CountryCode(code: Option<String>) -> impl IntoView {
    let code = code.as_deref();
    view! { <span class="country-code" title=country_title(code)>{country(code)}</span> }
}
