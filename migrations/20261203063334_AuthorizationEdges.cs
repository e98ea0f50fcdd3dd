using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations
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
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "Kind",
                table: "ManagementTokens",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "HeadHash",
                table: "AuditVerifications",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "HeadSequence",
                table: "AuditVerifications",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "HashVersion",
                table: "AuditEvents",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1); // rows written before this migration were hashed with version 1 of the canonical form

            // Tokens made before Kind existed: the login and bootstrap ones are known by their names.
            migrationBuilder.Sql("UPDATE \"ManagementTokens\" SET \"Kind\" = 1 WHERE \"Name\" LIKE 'API login %';");
            migrationBuilder.Sql("UPDATE \"ManagementTokens\" SET \"Kind\" = 2 WHERE \"Name\" = 'bootstrap';");
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
