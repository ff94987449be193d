pub mod confirm;
pub mod filter_chips;
pub mod flash;
pub mod icons;
pub mod password_form;
pub mod session_views;
pub mod policy_views;
pub mod setting_row;
