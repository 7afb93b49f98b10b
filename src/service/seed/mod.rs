//! Placeholder until the generator lands (owned by the seed module's author; replace freely).
use crate::store::Db;
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Size { Demo, Large }
pub struct SeedOptions { pub size: Size, pub seed: u64, pub anchor: chrono::DateTime<chrono::Utc> }
pub struct SeedReport { pub rows: Vec<(&'static str, u64)>, pub elapsed: std::time::Duration }
pub async fn seed(_db: &Db, _opts: &SeedOptions, _progress: &(dyn Fn(&str, u64, u64) + Sync)) -> Result<SeedReport, super::ServiceError> {
    Err(super::ServiceError::Internal("seed generator not written yet".into()))
}
