//! A tiny AWS Glue Data Catalog: databases and tables with columns, which is where Firehose's
//! record format conversion takes its schema from (semantics.md §4.5). Service `glue`:
//! CreateDatabase, GetDatabases, CreateTable, GetTable, GetTables, DeleteTable.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::firehose::parquet::TableSchema;
use crate::engine::world::World;

/// Actions of service `glue`.
pub const ACTIONS: &[&str] = &[
    "CreateDatabase",
    "GetDatabases",
    "CreateTable",
    "GetTable",
    "GetTables",
    "DeleteTable",
];

/// One table: its columns as given and as parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// `StorageDescriptor.Columns` as given.
    pub columns: Value,
    /// The parsed schema.
    pub schema: TableSchema,
}

/// The catalog.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Glue {
    databases: BTreeMap<String, BTreeMap<String, Table>>,
}

impl Glue {
    /// The schema of `db.table`.
    pub fn table_columns(&self, db: &str, table: &str) -> Option<TableSchema> {
        self.databases
            .get(db)?
            .get(&table.to_ascii_lowercase())
            .map(|t| t.schema.clone())
    }
}

fn entity_not_found(what: String) -> ApiError {
    ApiError::new(ErrorKind::EntityNotFoundException, what)
}

fn check_name(name: &str, what: &str) -> Result<(), ApiError> {
    if name.is_empty() || name.len() > 255 || name.chars().any(|c| c.is_control()) {
        return Err(ApiError::new(
            ErrorKind::InvalidInputException,
            format!("{what} name must be 1–255 characters, got {name:?}"),
        ));
    }
    Ok(())
}

/// Runs one Glue action.
pub fn dispatch(world: &mut World, action: &str, body: &Value) -> Result<Value, ApiError> {
    let req = Request::new(body)?;
    let glue = &mut world.glue;
    match action {
        "CreateDatabase" => {
            req.deny_unknown(&["CatalogId", "DatabaseInput", "Tags"])?;
            let input = req
                .opt_struct("DatabaseInput")?
                .ok_or_else(|| crate::engine::api::request::missing("DatabaseInput"))?;
            let name = input.str("Name")?.to_ascii_lowercase();
            check_name(&name, "Database")?;
            if glue.databases.contains_key(&name) {
                return Err(ApiError::new(
                    ErrorKind::AlreadyExistsException,
                    format!("Database already exists: {name}"),
                ));
            }
            glue.databases.insert(name, BTreeMap::new());
            Ok(json!({}))
        }
        "GetDatabases" => {
            req.deny_unknown(&["CatalogId", "NextToken", "MaxResults"])?;
            let list: Vec<Value> = glue
                .databases
                .keys()
                .map(|n| json!({ "Name": n }))
                .collect();
            Ok(json!({ "DatabaseList": list }))
        }
        "CreateTable" => {
            req.deny_unknown(&["CatalogId", "DatabaseName", "TableInput"])?;
            let db = req.str("DatabaseName")?.to_ascii_lowercase();
            let input = req
                .opt_struct("TableInput")?
                .ok_or_else(|| crate::engine::api::request::missing("TableInput"))?;
            let name = input.str("Name")?.to_ascii_lowercase();
            check_name(&name, "Table")?;
            let columns = input
                .opt_struct("StorageDescriptor")?
                .and_then(|sd| sd.raw("Columns"))
                .cloned()
                .ok_or_else(|| ApiError::new(ErrorKind::InvalidInputException, "TableInput.StorageDescriptor.Columns is required for Firehose format conversion"))?;
            let schema = TableSchema::from_glue_columns(&columns)
                .map_err(|m| ApiError::new(ErrorKind::InvalidInputException, m))?;
            let tables = glue
                .databases
                .get_mut(&db)
                .ok_or_else(|| entity_not_found(format!("Database {db} not found.")))?;
            if tables.contains_key(&name) {
                return Err(ApiError::new(
                    ErrorKind::AlreadyExistsException,
                    format!("Table already exists: {db}.{name}"),
                ));
            }
            tables.insert(name, Table { columns, schema });
            Ok(json!({}))
        }
        "GetTable" | "DeleteTable" => {
            req.deny_unknown(&["CatalogId", "DatabaseName", "Name"])?;
            let db = req.str("DatabaseName")?.to_ascii_lowercase();
            let name = req.str("Name")?.to_ascii_lowercase();
            let tables = glue
                .databases
                .get_mut(&db)
                .ok_or_else(|| entity_not_found(format!("Database {db} not found.")))?;
            if action == "DeleteTable" {
                tables
                    .remove(&name)
                    .ok_or_else(|| entity_not_found(format!("Table {name} not found.")))?;
                return Ok(json!({}));
            }
            let t = tables
                .get(&name)
                .ok_or_else(|| entity_not_found(format!("Table {name} not found.")))?;
            Ok(
                json!({ "Table": { "Name": name, "DatabaseName": db, "StorageDescriptor": { "Columns": t.columns } } }),
            )
        }
        "GetTables" => {
            req.deny_unknown(&[
                "CatalogId",
                "DatabaseName",
                "Expression",
                "NextToken",
                "MaxResults",
            ])?;
            let db = req.str("DatabaseName")?.to_ascii_lowercase();
            let tables = glue
                .databases
                .get(&db)
                .ok_or_else(|| entity_not_found(format!("Database {db} not found.")))?;
            let list: Vec<Value> = tables
                .iter()
                .map(|(n, t)| json!({ "Name": n, "DatabaseName": db, "StorageDescriptor": { "Columns": t.columns } }))
                .collect();
            Ok(json!({ "TableList": list }))
        }
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!(
                "glue has no action '{other}'; supported: {}",
                ACTIONS.join(", ")
            ),
        )),
    }
}
