pub mod confirm;
pub mod flash;
pub mod icons;
pub mod session_views;
