pub mod confirm;
pub mod flash;
pub mod icons;
pub mod session_views;
pub mod policy_views;
pub mod setting_row;
