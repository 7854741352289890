using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SigningSecrets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "last_signature_refusal",
                table: "sources",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "last_signature_refusal_at",
                table: "sources",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "previous_signing_secret",
                table: "sources",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "previous_signing_secret_until",
                table: "sources",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "signature_refusals",
                table: "sources",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "signing_secret",
                table: "sources",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "last_signature_refusal",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "last_signature_refusal_at",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "previous_signing_secret",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "previous_signing_secret_until",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "signature_refusals",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "signing_secret",
                table: "sources");
        }
    }
}
