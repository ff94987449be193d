//! The application API under /api/v1 (being built).
