package com.imagegate.generation.internal;

import com.imagegate.generation.GenerationProperties.Provider;
import com.imagegate.generation.TaskKind;
import com.imagegate.generation.TaskSource;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * The typed columns of {@code image_tasks} that keep their lowercase strings in the database ({@code source},
 * {@code kind}, {@code provider}: {@code api}, {@code generation}, {@code sandbox} …), so that the SQL reading them
 * ({@link TaskViews}, {@link TaskAdminService}) and rows written before stay as they are.
 */
final class TaskColumns {

    private TaskColumns() {}

    @Converter
    static final class Source implements AttributeConverter<TaskSource, String> {

        @Override
        public String convertToDatabaseColumn(TaskSource source) {
            return source == null ? null : source.wireValue();
        }

        @Override
        public TaskSource convertToEntityAttribute(String column) {
            return column == null ? null : source(column);
        }
    }

    @Converter
    static final class Kind implements AttributeConverter<TaskKind, String> {

        @Override
        public String convertToDatabaseColumn(TaskKind kind) {
            return kind == null ? null : kind.wireValue();
        }

        @Override
        public TaskKind convertToEntityAttribute(String column) {
            return column == null ? null : kind(column);
        }
    }

    @Converter
    static final class ProviderName implements AttributeConverter<Provider, String> {

        @Override
        public String convertToDatabaseColumn(Provider provider) {
            return provider == null ? null : provider.wireValue();
        }

        @Override
        public Provider convertToEntityAttribute(String column) {
            return column == null ? null : provider(column);
        }
    }

    static TaskSource source(String column) {
        return TaskSource.parse(column).orElseThrow(() -> unknown("source", column));
    }

    static TaskKind kind(String column) {
        return TaskKind.parse(column).orElseThrow(() -> unknown("kind", column));
    }

    static Provider provider(String column) {
        return Provider.parse(column).orElseThrow(() -> unknown("provider", column));
    }

    private static IllegalStateException unknown(String column, String value) {
        return new IllegalStateException("image_tasks." + column + " holds an unknown value: " + value);
    }
}
