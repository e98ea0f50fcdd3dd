using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuthorizationEdges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Policy_AllowChatAppTokens",
                table: "Projects",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "Kind",
                table: "ManagementTokens",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "HeadHash",
                table: "AuditVerifications",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "HeadSequence",
                table: "AuditVerifications",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "HashVersion",
                table: "AuditEvents",
                type: "integer",
                nullable: false,
                defaultValue: 1); // rows written before this migration were hashed with version 1 of the canonical form

            // Tokens made before Kind existed stay Named; the bootstrap one is recognised by its secret at the next start
            // (AdminBootstrapper), not by a name anyone could have given a token.
            // Delivery errors were stored as the connection error's text, which maps the network Portal runs in: tenants
            // see outcomes only from now on, so the old texts go too.
            migrationBuilder.Sql("UPDATE \"NotificationAttempts\" SET \"Error\" = 'failed (details removed)' WHERE \"Error\" IS NOT NULL AND \"Error\" NOT LIKE 'failed%';");
            migrationBuilder.Sql("UPDATE \"Notifications\" SET \"LastError\" = 'failed (details removed)' WHERE \"LastError\" IS NOT NULL AND \"LastError\" NOT LIKE 'failed%';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Policy_AllowChatAppTokens",
                table: "Projects");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "ManagementTokens");

            migrationBuilder.DropColumn(
                name: "HeadHash",
                table: "AuditVerifications");

            migrationBuilder.DropColumn(
                name: "HeadSequence",
                table: "AuditVerifications");

            migrationBuilder.DropColumn(
                name: "HashVersion",
                table: "AuditEvents");
        }
    }
}
