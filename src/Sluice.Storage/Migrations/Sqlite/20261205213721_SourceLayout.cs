using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SourceLayout : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "capture_headers",
                table: "sources",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "last_reload_at",
                table: "sources",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "last_reload_records",
                table: "sources",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "last_reload_recovered",
                table: "sources",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_reload_refused",
                table: "sources",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "last_reload_version",
                table: "sources",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "max_depth",
                table: "sources",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "reload_requested_at",
                table: "sources",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "table_from",
                table: "sources",
                type: "TEXT",
                maxLength: 300,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "capture_headers",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "last_reload_at",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "last_reload_records",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "last_reload_recovered",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "last_reload_refused",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "last_reload_version",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "max_depth",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "reload_requested_at",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "table_from",
                table: "sources");
        }
    }
}
